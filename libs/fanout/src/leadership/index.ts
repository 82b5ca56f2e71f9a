export * from './active-choice';
export * from './active-publisher-assigner';
export * from './publisher-leadership';
