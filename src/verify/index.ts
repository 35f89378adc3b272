export * from './binaries.js';
export { programOf, MAX_CHAIN, DEFAULT_PATH, type ChainLink } from './chain.js';
export { normalizeTarPath } from './layer-reader.js';
