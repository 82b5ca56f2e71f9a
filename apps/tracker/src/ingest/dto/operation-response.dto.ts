import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * The body of an action's response as the bot reports it (Graph `commsOperation` subtypes, or the
 * ACS preview `:playAudio` body, which has no id but an operationContext).
 */
export class OperationResponseDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  id?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  status!: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  clientContext?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  operationContext?: string;
}
