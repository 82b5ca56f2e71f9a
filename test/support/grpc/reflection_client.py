#!/usr/bin/python3
"""A gRPC client that knows the tracker only through server reflection.

Uses nothing but Debian's python3-grpcio and python3-protobuf: no generated code, no .proto file
of the tracker. It speaks the standard reflection protocol (grpc.reflection.v1), builds message
classes from the descriptors the server serves, parses each request from its JSON with
json_format.Parse (proto field names, as in the README's grpcurl examples) and calls the method.

Usage: reflection_client.py <host:port> <plan.json>

plan.json: {"calls": [{"service": "...", "method": "...", "json": "{...}"}, ...],
            "expected_descriptor_sets": ["protoc --descriptor_set_out file", ...]}

Writes one JSON object per line to stdout, flushed as it goes, so the test can act while a
server stream is open:
  {"kind": "services", "services": [...]}
  {"kind": "file", "name": ..., "equal_to_expected": bool, "package": ..., "fields": {...}}
  {"kind": "reply", "index": i, "method": ..., "message": {...}}       (one per streamed message)
  {"kind": "end", "index": i, "method": ..., "code": "OK" | "NOT_FOUND" | ..., "details": ...}
  {"kind": "done"}
"""

import json
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

REFLECTION_METHOD = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
STRING, BYTES, INT32, MESSAGE = 9, 12, 5, 11
OPTIONAL, REPEATED = 1, 3


def message_class(pool, full_name):
    descriptor = pool.FindMessageTypeByName(full_name)
    # protobuf >= 4.22 has message_factory.GetMessageClass; Debian 12 ships 4.21.
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def reflection_protocol():
    """The part of the standard grpc/reflection/v1/reflection.proto this client uses, as a
    descriptor (field numbers and names as published; unused fields left out, which the wire
    format allows)."""
    f = descriptor_pb2.FileDescriptorProto(
        name="grpc/reflection/v1/reflection.proto", package="grpc.reflection.v1", syntax="proto3"
    )

    def message(name, fields, oneof=None):
        m = f.message_type.add(name=name)
        if oneof:
            m.oneof_decl.add(name=oneof)
        for field_name, number, kind, label, type_name, in_oneof in fields:
            field = m.field.add(name=field_name, number=number, type=kind, label=label)
            if type_name:
                field.type_name = type_name
            if in_oneof:
                field.oneof_index = 0

    p = ".grpc.reflection.v1."
    message(
        "ServerReflectionRequest",
        [
            ("host", 1, STRING, OPTIONAL, None, False),
            ("file_by_filename", 3, STRING, OPTIONAL, None, True),
            ("file_containing_symbol", 4, STRING, OPTIONAL, None, True),
            ("list_services", 7, STRING, OPTIONAL, None, True),
        ],
        "message_request",
    )
    message(
        "ServerReflectionResponse",
        [
            ("valid_host", 1, STRING, OPTIONAL, None, False),
            ("file_descriptor_response", 4, MESSAGE, OPTIONAL, p + "FileDescriptorResponse", True),
            ("list_services_response", 6, MESSAGE, OPTIONAL, p + "ListServiceResponse", True),
            ("error_response", 7, MESSAGE, OPTIONAL, p + "ErrorResponse", True),
        ],
        "message_response",
    )
    message("FileDescriptorResponse", [("file_descriptor_proto", 1, BYTES, REPEATED, None, False)])
    message("ListServiceResponse", [("service", 1, MESSAGE, REPEATED, p + "ServiceResponse", False)])
    message("ServiceResponse", [("name", 1, STRING, OPTIONAL, None, False)])
    message(
        "ErrorResponse",
        [("error_code", 1, INT32, OPTIONAL, None, False), ("error_message", 2, STRING, OPTIONAL, None, False)],
    )
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    return (
        message_class(pool, "grpc.reflection.v1.ServerReflectionRequest"),
        message_class(pool, "grpc.reflection.v1.ServerReflectionResponse"),
    )


class Reflection:
    def __init__(self, channel):
        self.request, self.response = reflection_protocol()
        self.rpc = channel.stream_stream(
            REFLECTION_METHOD,
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=self.response.FromString,
        )

    def ask(self, **request):
        (answer,) = list(self.rpc(iter([self.request(**request)]), timeout=10))
        if answer.HasField("error_response"):
            raise RuntimeError(f"reflection error for {request}: {answer.error_response.error_message}")
        return answer

    def services(self):
        return [s.name for s in self.ask(list_services="").list_services_response.service]

    def files_for(self, symbol):
        """The file defining `symbol` and the files it depends on, as FileDescriptorProtos."""
        answer = self.ask(file_containing_symbol=symbol)
        files = []
        for raw in answer.file_descriptor_response.file_descriptor_proto:
            proto = descriptor_pb2.FileDescriptorProto()
            proto.ParseFromString(raw)
            files.append(proto)
        return files


def add_in_dependency_order(pool, files, added):
    pending = [f for f in files if f.name not in added]
    while pending:
        ready = [f for f in pending if all(d in added for d in f.dependency)]
        if not ready:
            raise RuntimeError(f"unresolvable dependencies: {[f.name for f in pending]}")
        for f in ready:
            pool.Add(f)
            added[f.name] = f
        pending = [f for f in pending if f.name not in added]


def emit(**record):
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def describe_fields(pool, proto):
    """Per message of the served file: each field's name, json_name and whether it has presence
    (proto3 `optional`), read from the descriptors the pool built."""
    described = {}
    for message in proto.message_type:
        descriptor = pool.FindMessageTypeByName(f"{proto.package}.{message.name}")
        described[message.name] = [
            {
                "name": field.name,
                "json_name": field.json_name,
                "optional": bool(field.containing_oneof and field.containing_oneof.name == f"_{field.name}"),
                "proto3_optional": message.field[i].proto3_optional,
            }
            for i, field in enumerate(descriptor.fields)
        ]
    return described


def main():
    target, plan_file = sys.argv[1], sys.argv[2]
    with open(plan_file, encoding="utf-8") as fh:
        plan = json.load(fh)
    expected = {}
    for path in plan.get("expected_descriptor_sets", []):
        with open(path, "rb") as fh:
            for f in descriptor_pb2.FileDescriptorSet.FromString(fh.read()).file:
                expected[f.name] = f

    channel = grpc.insecure_channel(target)
    reflection = Reflection(channel)
    services = reflection.services()
    emit(kind="services", services=services)

    pool = descriptor_pool.DescriptorPool()
    added = {}
    for service in services:
        if service.startswith("grpc.reflection."):
            continue
        add_in_dependency_order(pool, reflection.files_for(service), added)
    for name, proto in added.items():
        emit(
            kind="file",
            name=name,
            package=proto.package,
            syntax=proto.syntax,
            equal_to_expected=(name in expected and expected[name] == proto),
            services=[{"name": s.name, "methods": [m.name for m in s.method]} for s in proto.service],
            fields=describe_fields(pool, proto),
        )

    for index, call in enumerate(plan["calls"]):
        method = pool.FindServiceByName(call["service"]).FindMethodByName(call["method"])
        request_class = message_class(pool, method.input_type.full_name)
        response_class = message_class(pool, method.output_type.full_name)
        request = json_format.Parse(call["json"], request_class())
        path = f"/{call['service']}/{call['method']}"
        kwargs = dict(
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=response_class.FromString,
        )
        as_json = lambda m: json_format.MessageToDict(m, preserving_proto_field_name=True)
        code, details = "OK", ""
        try:
            if method.server_streaming:
                for message in channel.unary_stream(path, **kwargs)(request, timeout=30):
                    emit(kind="reply", index=index, method=call["method"], message=as_json(message))
            else:
                reply = channel.unary_unary(path, **kwargs)(request, timeout=10)
                emit(kind="reply", index=index, method=call["method"], message=as_json(reply))
        except grpc.RpcError as error:
            code, details = error.code().name, error.details()
        emit(kind="end", index=index, method=call["method"], code=code, details=details)
    channel.close()
    emit(kind="done")


if __name__ == "__main__":
    main()
