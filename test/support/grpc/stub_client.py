#!/usr/bin/python3
"""Calls the tracker through stubs generated from its .proto, the way the README tells people who
generate code: Debian's protoc (protobuf-compiler) with grpc_python_plugin (protobuf-compiler-grpc).

Usage: stub_client.py <generated dir> <host:port> <call id>
Prints GetCall's reply as JSON (proto field names) plus which proto3 `optional` fields are set.
"""

import json
import sys

import grpc
from google.protobuf import json_format

sys.path.insert(0, sys.argv[1])
from comms.tracker.v1 import call_tracker_pb2, call_tracker_pb2_grpc  # noqa: E402

target, call_id = sys.argv[2], sys.argv[3]
with grpc.insecure_channel(target) as channel:
    stub = call_tracker_pb2_grpc.CallTrackerStub(channel)
    call = stub.GetCall(call_tracker_pb2.GetCallRequest(call_id=call_id), timeout=10)
    print(
        json.dumps(
            {
                "call": json_format.MessageToDict(call, preserving_proto_field_name=True),
                "has_state": call.HasField("state"),
                "has_missed_at": call.HasField("missed_at"),
            }
        )
    )
