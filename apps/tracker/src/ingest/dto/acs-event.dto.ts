import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

/** A Call Automation CloudEvent (one element of the array ACS posts). */
export class AcsCloudEventDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
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
