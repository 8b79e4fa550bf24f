import { createServer, type Server } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpGet } from "../../source/runner/http.js";

let server: Server;
let base: string;
const connections: unknown[] = [];

beforeAll(async () => {
	server = createServer((request, response) => {
		if (request.url === "/moved") return response.writeHead(302, { location: "/rate" }).end();
		if (request.url === "/loop") return response.writeHead(307, { location: "/loop" }).end();
		if (request.url === "/gzip")
			return response
				.writeHead(200, { "content-encoding": "gzip" })
				.end(gzipSync(JSON.stringify({ rate: 0.5 })));
		if (request.url === "/header") return response.end(String(request.headers["x-token"]));
		response.end(JSON.stringify({ rate: 0.25 }));
	});
	server.on("connection", (socket) => connections.push(socket));
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => {
	server.closeAllConnections();
	server.close();
});

const get = (path: string, headers?: Record<string, string>) =>
	httpGet(`${base}${path}`, { timeoutMs: 2000, headers });

describe("httpGet", () => {
	it("takes reading after reading over one kept connection", async () => {
		const before = connections.length;
		for (let index = 0; index < 50; index++) expect((await get("/rate")).body).toBe('{"rate":0.25}');
		expect(connections.length - before).toBe(1);
	});

	it("follows redirects, and refuses a loop of them in one line", async () => {
		expect(await get("/moved")).toEqual({ status: 200, body: '{"rate":0.25}' });
		await expect(get("/loop")).rejects.toThrow(`${base}/loop: more than 20 redirects`);
	});

	it("reads a compressed answer and sends the headers given", async () => {
		expect((await get("/gzip")).body).toBe('{"rate":0.5}');
		expect((await get("/header", { "x-token": "abc" })).body).toBe("abc");
	});

	it("gives up on the reading as soon as the step is interrupted", async () => {
		const controller = new AbortController();
		controller.abort();
		await expect(httpGet(`${base}/rate`, { timeoutMs: 2000, signal: controller.signal })).rejects.toThrow(
			`${base}/rate: aborted`,
		);
		await expect(httpGet("ftp://127.0.0.1/", { timeoutMs: 2000 })).rejects.toThrow(
			"ftp: is not http or https",
		);
	});
});
