/** Errors of the deployment build (`npm run build`), one class per failure. */

/** The layer's packages or their dependencies cannot be found or copied. */
export class LayerBuildError extends Error {
  constructor(detail: string) {
    super(`cannot build the layer: ${detail}`);
    this.name = 'LayerBuildError';
  }
}

/** The layer archive could not be written (no `zip` on PATH, or zip failed). */
export class ArchiveError extends Error {
  constructor(detail: string) {
    super(`cannot write the layer archive: ${detail}`);
    this.name = 'ArchiveError';
  }
}

/** A built function could not be loaded when its cold-start import time was measured. */
export class ImportMeasurementError extends Error {
  constructor(
    readonly functionName: string,
    detail: string,
  ) {
    super(`cannot load the bundle of ${functionName}: ${detail}`);
    this.name = 'ImportMeasurementError';
  }
}

/** The JSON-Schema validator (the devDependency `ajv`) cannot be loaded. */
export class SchemaValidatorUnavailableError extends Error {
  constructor(
    readonly packageName: string,
    detail: string,
  ) {
    super(`cannot validate the fc3 props: the devDependency ${packageName} is not installed (add it to package.json and run npm install): ${detail}`);
    this.name = 'SchemaValidatorUnavailableError';
  }
}

/** `s preview` could not render s.yaml. */
export class RenderError extends Error {
  constructor(detail: string) {
    super(`s preview could not render s.yaml: ${detail}`);
    this.name = 'RenderError';
  }
}
