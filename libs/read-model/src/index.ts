export * from './call-projector';
export * from './read-model.store';
export * from './stored-call-event';
