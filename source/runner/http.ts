/** What an HTTP GET returned. */
export interface HttpResponse {
	readonly status: number;
	readonly body: string;
}

/** HTTP GET with a time limit; injected so the engine can be driven without a network. */
export type HttpGet = (
	url: string,
	options: {
		readonly timeoutMs: number;
		readonly headers?: Readonly<Record<string, string>>;
		readonly signal?: AbortSignal;
	},
) => Promise<HttpResponse>;

const MAX_BODY = 32 * 1024 * 1024;

/** GET with Node's fetch; a refused connection or a timeout rejects with a one-line reason. */
export const httpGet: HttpGet = async (url, options) => {
	const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])];
	let response: Response;
	try {
		response = await fetch(url, {
			headers: options.headers,
			signal: AbortSignal.any(signals),
			redirect: "follow",
		});
	} catch (error) {
		const cause = (error as { cause?: { code?: string; message?: string } }).cause;
		if ((error as Error).name === "TimeoutError")
			throw new Error(`no answer from ${url} within ${options.timeoutMs} ms`);
		if (cause?.code === "ECONNREFUSED") throw new Error(`connection refused by ${url}`);
		throw new Error(`${url}: ${cause?.message ?? (error as Error).message}`);
	}
	const body = await response.text();
	if (body.length > MAX_BODY) throw new Error(`${url} answered with more than 32 MiB`);
	return { status: response.status, body };
};
