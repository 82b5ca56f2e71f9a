import { IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ID_PATTERN, ID_RULE } from '@tracker/domain';

/** A Call Automation CloudEvent (one element of the array ACS posts). */
export class AcsCloudEventDto {
  @IsString()
  @Matches(ID_PATTERN, { message: `id ${ID_RULE}` })
  id!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  type!: string;

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
