export * from './media-types.js';
export * from './digest.js';
export type * from './descriptor.js';
export * from './reference.js';
export * from './platform.js';
export * from './manifest.js';
export * from './index-builder.js';
export * from './executable.js';
