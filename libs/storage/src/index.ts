export * from './sqlite/migrate';
