import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import {
  FileDescriptorProto,
  IDescriptorProto,
  IEnumDescriptorProto,
  IFieldDescriptorProto,
  IFileDescriptorProto,
  IServiceDescriptorProto,
} from 'protobufjs/ext/descriptor';
import { PROTO_ROOT } from './proto-paths';

/**
 * The descriptors of our .proto files as `protoc` writes them (`--descriptor_set_out`, without
 * source info), for server reflection.
 *
 * Why not proto-loader's `fileDescriptorProtos`: protobufjs names each file after its package
 * (`comms_tracker_v1.proto`), drops `proto3_optional` and writes relative type names, so
 * reflection clients saw another file than the one we publish. Here each file keeps its path under
 * PROTO_ROOT, its names as written (snake_case) with protoc's `json_name`, and `optional` as
 * declared. test/grpc-reflection.e2e-spec.ts checks the served bytes against protoc's output.
 *
 * Supported: proto3 files without imports, with messages (nested), enums, oneofs, proto3
 * `optional` and services. Anything else (imports, maps, extensions) is refused at start-up rather
 * than served wrong.
 */
export const protoFileDescriptor = (file: string, root = PROTO_ROOT): IFileDescriptorProto => {
  const source = readFileSync(join(root, file), 'utf8');
  if (!/^\s*syntax\s*=\s*"proto3"\s*;/m.test(source)) {
    throw new Error(`${file}: only proto3 files are supported`);
  }
  const parsed = protobuf.parse(source, new protobuf.Root(), { keepCase: true });
  if (parsed.imports?.length || parsed.weakImports?.length) {
    throw new Error(`${file}: imports are not supported by protoFileDescriptor`);
  }
  if (!parsed.package) throw new Error(`${file}: a package is required`);
  parsed.root.resolveAll();
  const pkg = parsed.root.lookup(parsed.package) as protobuf.Namespace;
  const nested = pkg.nestedArray;
  const descriptor: IFileDescriptorProto = {
    name: file,
    package: parsed.package,
    messageType: nested.filter(isType).map(messageDescriptor),
    enumType: nested.filter(isEnum).map(enumDescriptor),
    service: nested.filter(isService).map(serviceDescriptor),
    syntax: 'proto3',
  };
  const options = declaredOptions(pkg.options);
  if (options) descriptor.options = options;
  return descriptor;
};

/** `protoFileDescriptor` encoded, as reflection serves it. */
export const encodedFileDescriptor = (file: string, root = PROTO_ROOT): Buffer =>
  Buffer.from(
    FileDescriptorProto.encode(
      FileDescriptorProto.fromObject(protoFileDescriptor(file, root)),
    ).finish(),
  );

const isType = (o: protobuf.ReflectionObject): o is protobuf.Type => o instanceof protobuf.Type;
const isEnum = (o: protobuf.ReflectionObject): o is protobuf.Enum => o instanceof protobuf.Enum;
const isService = (o: protobuf.ReflectionObject): o is protobuf.Service =>
  o instanceof protobuf.Service;

/** protobufjs keeps options as written (`java_package`); the descriptor types want camelCase. */
const declaredOptions = (
  options: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined => {
  const entries = Object.entries(options ?? {}).filter(([key]) => key !== 'proto3_optional');
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([key, value]) => [protobuf.util.camelCase(key), value]));
};

/** protoc's `ToJsonName`: drop each `_` and upper-case the letter after it. */
export const jsonName = (name: string): string =>
  name.replace(/_(.)?/g, (_, c = '') => c.toUpperCase());

const SCALAR_TYPES: Record<string, number> = {
  double: 1,
  float: 2,
  int64: 3,
  uint64: 4,
  int32: 5,
  fixed64: 6,
  fixed32: 7,
  bool: 8,
  string: 9,
  bytes: 12,
  uint32: 13,
  sfixed32: 15,
  sfixed64: 16,
  sint32: 17,
  sint64: 18,
};
const TYPE_MESSAGE = 11;
const TYPE_ENUM = 14;
const LABEL_OPTIONAL = 1;
const LABEL_REPEATED = 3;

/** protobufjs's typings lack field 17 of FieldDescriptorProto; its descriptor.json has it. */
type FieldDescriptor = IFieldDescriptorProto & { proto3Optional?: boolean };

const fieldDescriptor =
  (type: protobuf.Type) =>
  (field: protobuf.Field): FieldDescriptor => {
    if (field instanceof protobuf.MapField || field.map) {
      throw new Error(`${field.fullName}: map fields are not supported`);
    }
    const descriptor: FieldDescriptor = {
      name: field.name,
      number: field.id,
      label: field.repeated ? LABEL_REPEATED : LABEL_OPTIONAL,
    };
    const resolved = field.resolvedType;
    if (resolved) {
      descriptor.type = resolved instanceof protobuf.Enum ? TYPE_ENUM : TYPE_MESSAGE;
      descriptor.typeName = resolved.fullName; // fully qualified, with the leading dot, as protoc
    } else if (field.type in SCALAR_TYPES) {
      descriptor.type = SCALAR_TYPES[field.type];
    } else {
      throw new Error(`${field.fullName}: unsupported type ${field.type}`);
    }
    if (field.partOf) descriptor.oneofIndex = oneofOrder(type).indexOf(field.partOf);
    descriptor.jsonName = jsonName(field.name);
    const options = declaredOptions(field.options);
    if (options) descriptor.options = options;
    if (field.options?.proto3_optional) descriptor.proto3Optional = true;
    return descriptor;
  };

/** protoc lists real oneofs first, then the synthetic ones of proto3 `optional` fields. */
const oneofOrder = (type: protobuf.Type): protobuf.OneOf[] => {
  const synthetic = (o: protobuf.OneOf) => o.fieldsArray.some((f) => f.options?.proto3_optional);
  return [...type.oneofsArray.filter((o) => !synthetic(o)), ...type.oneofsArray.filter(synthetic)];
};

const messageDescriptor = (type: protobuf.Type): IDescriptorProto => {
  if (type.extensions?.length) throw new Error(`${type.fullName}: extensions are not supported`);
  const descriptor: IDescriptorProto = {
    name: type.name,
    field: type.fieldsArray.map(fieldDescriptor(type)),
    nestedType: type.nestedArray.filter(isType).map(messageDescriptor),
    enumType: type.nestedArray.filter(isEnum).map(enumDescriptor),
    oneofDecl: oneofOrder(type).map((oneof) => ({ name: oneof.name })),
  };
  const options = declaredOptions(type.options);
  if (options) descriptor.options = options;
  return descriptor;
};

const enumDescriptor = (type: protobuf.Enum): IEnumDescriptorProto => {
  const descriptor: IEnumDescriptorProto = {
    name: type.name,
    value: Object.entries(type.values).map(([name, number]) => ({ name, number })),
  };
  const options = declaredOptions(type.options);
  if (options) descriptor.options = options;
  return descriptor;
};

const serviceDescriptor = (service: protobuf.Service): IServiceDescriptorProto => {
  const options = declaredOptions(service.options);
  return {
    name: service.name,
    method: service.methodsArray.map((method) => {
      method.resolve();
      const methodOptions = declaredOptions(method.options);
      return {
        name: method.name,
        inputType: method.resolvedRequestType!.fullName,
        outputType: method.resolvedResponseType!.fullName,
        ...(methodOptions ? { options: methodOptions } : {}),
        ...(method.requestStream ? { clientStreaming: true } : {}),
        ...(method.responseStream ? { serverStreaming: true } : {}),
      };
    }),
    ...(options ? { options } : {}),
  };
};
