/**
 * The JS SDK's HTTP client turns a non-2xx/3xx answer into Error(JSON.stringify({error, error_msg, status})), and
 * save/delete/publish return { error } instead of throwing. This reads either back as
 * { status, errorCode, message } (errorCode/message from daprd's {"errorCode","message"} body).
 */
export function sidecarError(errorOrResult) {
  const error = errorOrResult instanceof Error ? errorOrResult : errorOrResult?.error;
  if (!(error instanceof Error)) {
    throw new Error(`expected a sidecar error, got ${JSON.stringify(errorOrResult)}`);
  }
  const { status, error_msg: body } = JSON.parse(error.message);
  let parsed = {};
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = { message: body };
  }
  return { status, errorCode: parsed.errorCode, message: parsed.message, body: parsed };
}

/** Awaits a call expected to throw a sidecar error and returns it, read as by sidecarError. */
export async function rejection(promise) {
  try {
    const value = await promise;
    throw new Error(`expected the call to fail, it returned ${JSON.stringify(value)}`);
  } catch (error) {
    if (error.message.startsWith("expected the call to fail")) {
      throw error;
    }
    return sidecarError(error);
  }
}
