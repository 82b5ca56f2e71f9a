import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { AcsCloudEventDto } from '../ingest/dto/acs-event.dto';
import { CommsNotificationDto, CommsNotificationsDto } from '../ingest/dto/graph-notifications.dto';
import { OperationResponseDto } from '../ingest/dto/operation-response.dto';

// Where class-transformer keeps `@Type` (nested DTOs); its typed entry point does not export it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as Pick<
  typeof import('class-transformer/types/storage'),
  'defaultMetadataStorage'
>;

/** The request DTOs whose class-validator rules are also their documented schemas. */
const DTOS = [CommsNotificationsDto, CommsNotificationDto, AcsCloudEventDto, OperationResponseDto];

/**
 * JSON Schemas of the request bodies, made from the DTOs' class-validator decorators, so a rule
 * (a length, the id pattern, a batch size) is written once and documented as it is checked.
 */
export const dtoSchemas = (): Record<string, object> => {
  const all = validationMetadatasToSchemas({
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage,
  });
  return Object.fromEntries(DTOS.map((dto) => [dto.name, all[dto.name]]));
};
