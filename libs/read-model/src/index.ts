export * from './projection';
export * from './call-projector';
export * from './read-model.store';
export * from './read-model-lock';
export * from './rebuild-target';
export * from './read-model-queries';
export * from './call-rows';
