/** Errors of the deployment build (`npm run build`), one class per failure. */

/** The layer's packages or their dependencies cannot be found or copied. */
export class LayerBuildError extends Error {
  constructor(detail: string) {
    super(`cannot build the layer: ${detail}`);
    this.name = 'LayerBuildError';
  }
}

/** A package the layer ships bundled (infra/layer-packages.ts `bundle: true`) cannot be bundled faithfully. */
export class LayerBundleError extends LayerBuildError {
  constructor(
    readonly packageName: string,
    detail: string,
  ) {
    super(`cannot bundle ${packageName}: ${detail}`);
    this.name = 'LayerBundleError';
  }
}

/** A function requires a module of a bundled layer package that the bundle does not hold. */
export class UndeclaredSubpathError extends LayerBuildError {
  constructor(
    readonly functionName: string,
    readonly specifier: string,
    packageName: string,
  ) {
    super(`functions/${functionName} requires ${specifier}, which the layer's bundle of ${packageName} does not hold: list it in the subpaths of ${packageName} in infra/layer-packages.ts`);
    this.name = 'UndeclaredSubpathError';
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

/** A bundled layer package's `load.js` was asked for a module its bundle does not hold (the layer is not one build's output). */
export class BundleEntryMissingError extends Error {
  constructor(
    readonly bundleFile: string,
    readonly specifier: string,
    held: readonly string[],
  ) {
    super(`${bundleFile} does not hold ${specifier}, only ${held.join(', ')}: rebuild the layer (npm run build)`);
    this.name = 'BundleEntryMissingError';
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
