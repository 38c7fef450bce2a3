/** A plain authenticated GET whose status says whether a third-party API works for us. */
export async function probeHttp(url: string, bearer: string, signal: AbortSignal): Promise<void> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${bearer}` }, signal });
  await response.body?.cancel();
  if (!response.ok) throw new HttpProbeError(response.status);
}

export class HttpProbeError extends Error {
  override name = 'HttpProbeError';
  constructor(readonly status: number) {
    super(status === 401 || status === 403 ? `auth refused (${status})` : `HTTP ${status}`);
  }
}
