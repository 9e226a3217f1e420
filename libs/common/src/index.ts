export * from './errors';
export * from './queue';
export * from './document';
export * from './random';
