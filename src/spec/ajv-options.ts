/** The ajv options of the spec schema, shared by the run-time compiler and the build-time one. */
export const AJV_OPTIONS = {
  allErrors: true,
  strict: true,
  coerceTypes: true,
  useDefaults: false,
} as const;
