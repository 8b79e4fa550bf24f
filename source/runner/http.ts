import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

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
const MAX_REDIRECTS = 20;

// One connection per host, kept open between readings: a watch reads the same URL thousands of
// times. Node's fetch costs tens of MiB to load and several KiB of garbage per request, which
// a long watch in a process that also forks commands cannot afford. Idle sockets do not hold
// the process open.
const agents = {
	"http:": new HttpAgent({ keepAlive: true, maxSockets: 4 }),
	"https:": new HttpsAgent({ keepAlive: true, maxSockets: 4 }),
};

/**
 * GET with Node's http client, following redirects; a refused connection, a timeout (for the
 * whole exchange, redirects included) or a body over 32 MiB rejects with a one-line reason.
 */
export const httpGet: HttpGet = (url, options) =>
	new Promise((resolve, reject) => {
		let current: ReturnType<typeof httpRequest> | undefined;
		let settled = false;
		const finish = (error: Error | undefined, response?: HttpResponse) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			options.signal?.removeEventListener("abort", onAbort);
			current?.destroy();
			if (error) reject(error);
			else if (response) resolve(response);
		};
		const timer = setTimeout(
			() => finish(new Error(`no answer from ${url} within ${options.timeoutMs} ms`)),
			options.timeoutMs,
		);
		const onAbort = () => finish(new Error(`${url}: aborted`));
		if (options.signal?.aborted) return onAbort();
		options.signal?.addEventListener("abort", onAbort, { once: true });

		let retried = false;
		const get = (target: URL, redirects: number) => {
			const agent = agents[target.protocol as keyof typeof agents];
			if (!agent) return finish(new Error(`${url}: ${target.protocol} is not http or https`));
			const send = target.protocol === "https:" ? httpsRequest : httpRequest;
			current = send(target, { agent, headers: options.headers }, (response) => {
				const status = response.statusCode ?? 0;
				const location = response.headers.location;
				if (status >= 300 && status < 400 && location && status !== 304) {
					response.resume();
					if (redirects >= MAX_REDIRECTS)
						return finish(new Error(`${url}: more than ${MAX_REDIRECTS} redirects`));
					let next: URL;
					try {
						next = new URL(location, target);
					} catch {
						return finish(new Error(`${url}: redirected to an unreadable address ${location}`));
					}
					return get(next, redirects + 1);
				}
				readBody(response, url).then(
					(body) => {
						// The response is read to its end: the connection goes back to the pool, not closed.
						current = undefined;
						finish(undefined, { status, body });
					},
					(error: Error) => finish(error),
				);
			});
			const sent = current;
			sent.on("error", (error: NodeJS.ErrnoException) => {
				// A kept connection the server closed as it was taken up: asked again once, on a new one.
				if (sent.reusedSocket && error.code === "ECONNRESET" && !retried && !settled) {
					retried = true;
					return get(target, redirects);
				}
				finish(
					new Error(
						error.code === "ECONNREFUSED" ? `connection refused by ${url}` : `${url}: ${error.message}`,
					),
				);
			});
			current.end();
		};
		let target: URL;
		try {
			target = new URL(url);
		} catch {
			return finish(new Error(`${url}: not a valid URL`));
		}
		get(target, 0);
	});

/** The body as text, decoded as the server encoded it, refused past MAX_BODY. */
function readBody(response: IncomingMessage, url: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const encoding = String(response.headers["content-encoding"] ?? "")
			.trim()
			.toLowerCase();
		const decoder =
			encoding === "gzip" || encoding === "x-gzip"
				? createGunzip()
				: encoding === "deflate"
					? createInflate()
					: encoding === "br"
						? createBrotliDecompress()
						: undefined;
		const stream = decoder ? response.pipe(decoder) : response;
		const chunks: Buffer[] = [];
		let size = 0;
		stream.on("data", (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY) {
				response.destroy();
				decoder?.destroy();
				reject(new Error(`${url} answered with more than 32 MiB`));
				return;
			}
			chunks.push(chunk);
		});
		stream.on("end", () =>
			resolve(
				chunks.length === 1 ? (chunks[0] as Buffer).toString("utf8") : Buffer.concat(chunks).toString("utf8"),
			),
		);
		stream.on("error", (error: Error) => reject(new Error(`${url}: ${error.message}`)));
		response.on("error", (error: Error) => reject(new Error(`${url}: ${error.message}`)));
	});
}
