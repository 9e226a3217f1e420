export * from './types';
export * from './usearch-index';
export * from './exact';
export * from './filtered';
export * from './partitions';
export * from './config';
export * from './testing';
