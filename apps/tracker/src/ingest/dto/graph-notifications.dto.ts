import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

import { MAX_NOTIFICATIONS_PER_BATCH } from '@tracker/domain';

export { MAX_NOTIFICATIONS_PER_BATCH };

/**
 * The envelope of one `commsNotification`. `resourceData` stays open (an object, or an array for
 * participant rosters): the domain parses it tolerantly so new Graph types are kept, not rejected.
 */
@JSONSchema({ anyOf: [{ required: ['resourceUrl'] }, { required: ['resource'] }] })
export class CommsNotificationDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  changeType!: string;

  /** Required unless the old `resource` field carries the path. */
  @ValidateIf((n: CommsNotificationDto) => n.resource == null || n.resourceUrl != null)
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  resourceUrl?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  resource?: string;

  /** Absent on some deletions (a content sharing session that ended carries none). */
  @ValidateIf((n: CommsNotificationDto) => n.resourceData != null && !Array.isArray(n.resourceData))
  @JSONSchema({
    type: ['object', 'array', 'null'],
    description: 'An object, or an array (participant rosters); parsed tolerantly',
  })
  @IsObject({ message: 'resourceData must be an object or an array' })
  resourceData?: Record<string, unknown> | Record<string, unknown>[] | null;
}

export class CommsNotificationsDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_NOTIFICATIONS_PER_BATCH)
  @ValidateNested({ each: true })
  @Type(() => CommsNotificationDto)
  value!: CommsNotificationDto[];
}
