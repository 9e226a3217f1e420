export * from './manifest';
export * from './tokenizer';
export * from './state';
export * from './pooling';
export * from './timesteps';
export * from './liquid-model';
export * from './checkpoint';
export * as referenceCfc from './reference/cfc';
