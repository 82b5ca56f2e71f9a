export * from './projection';
export * from './call-projector';
export * from './read-model.store';
export * from './state-cache';
export * from './stored-call-event';
export * from './read-model-lock';
export * from './call-state-folder';
