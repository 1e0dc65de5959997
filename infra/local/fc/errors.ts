/** Errors of the local FC runtime, one class per failure. */

/** s.yaml cannot be used as written; `yamlPath` names where (`resources.scan.props.timeout`). */
export class ServerlessYamlError extends Error {
  constructor(
    readonly yamlPath: string,
    detail: string,
  ) {
    super(yamlPath === '' ? detail : `${yamlPath}: ${detail}`);
    this.name = 'ServerlessYamlError';
  }
}

/** A `${…}` in s.yaml that Serverless Devs would not resolve either (unknown, missing or circular). */
export class UnresolvedVariableError extends ServerlessYamlError {
  constructor(
    yamlPath: string,
    readonly variable: string,
    detail: string,
  ) {
    super(yamlPath, `${variable} ${detail}`);
    this.name = 'UnresolvedVariableError';
  }
}

/** esbuild could not bundle a function. */
export class FunctionBuildError extends Error {
  constructor(
    readonly functionName: string,
    detail: string,
  ) {
    super(`cannot build function ${functionName}: ${detail}`);
    this.name = 'FunctionBuildError';
  }
}

/** An invocation named a function that s.yaml does not declare. */
export class FunctionNotFoundError extends Error {
  constructor(readonly functionName: string) {
    super(`function '${functionName}' does not exist in s.yaml`);
    this.name = 'FunctionNotFoundError';
  }
}

/** Functions leave packages to a layer, but the layer has not been built (`npm run build`). */
export class LayerNotBuiltError extends Error {
  constructor(readonly layerDir: string) {
    super(`the layer is not built: ${layerDir} does not exist (run npm run build)`);
    this.name = 'LayerNotBuiltError';
  }
}
