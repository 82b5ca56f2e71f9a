import {
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { ID_PATTERN, ID_RULE } from '@tracker/domain';

/**
 * One element of the array ACS (or Event Grid) posts: a CloudEvent (`type`, `source`, `time`) or
 * an Event Grid schema event (`eventType`, `topic`, `eventTime`).
 */
@JSONSchema({ anyOf: [{ required: ['type'] }, { required: ['eventType'] }] })
export class AcsCloudEventDto {
  @IsString()
  @Matches(ID_PATTERN, { message: `id ${ID_RULE}` })
  id!: string;

  @ValidateIf((e: AcsCloudEventDto) => e.eventType == null || e.type != null)
  @IsString({ message: 'type (or eventType) must be a string' })
  @IsNotEmpty()
  @MaxLength(256)
  type?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  eventType?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  topic?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  eventTime?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  source?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  subject?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  time?: string;

  @IsObject()
  data!: Record<string, unknown>;
}
