import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ID_PATTERN, ID_RULE, MAX_CONTEXT_LENGTH } from '@tracker/domain';

/**
 * The body of an action's response as the bot reports it (Graph `commsOperation` subtypes, or the
 * ACS preview `:playAudio` body, which has no id but an operationContext).
 */
export class OperationResponseDto {
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `id ${ID_RULE}` })
  id?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  status!: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_CONTEXT_LENGTH)
  clientContext?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_CONTEXT_LENGTH)
  operationContext?: string;
}
