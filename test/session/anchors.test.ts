import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileHolds } from "../../source/session/anchors.js";
import { tempDir } from "../helpers/temp.js";

describe("fileHolds (session.json against the text rollout would write)", () => {
	// Characters of one to four UTF-8 bytes, a surrogate pair among them, so block edges fall
	// inside characters and between the two halves of a pair.
	const text = `{"state":"${"aé€😀".repeat(60_000)}"}\n`;
	const file = (content: string | Buffer) => {
		const path = join(tempDir(), "session.json");
		writeFileSync(path, content);
		return path;
	};

	it("holds the same text written as UTF-8", () => {
		expect(Buffer.byteLength(text)).toBeGreaterThan(600_000);
		expect(fileHolds(file(text), text)).toBe(true);
		expect(fileHolds(file(""), "")).toBe(true);
	});

	it("does not hold a text with one byte changed, one added or one taken away", () => {
		const bytes = Buffer.from(text);
		const changed = Buffer.from(bytes);
		changed.writeUInt8(changed.readUInt8(400_001) ^ 1, 400_001);
		expect(fileHolds(file(changed), text)).toBe(false);
		expect(fileHolds(file(Buffer.concat([bytes, Buffer.from(" ")])), text)).toBe(false);
		expect(fileHolds(file(bytes.subarray(0, bytes.length - 1)), text)).toBe(false);
		// As many bytes, in another order.
		expect(fileHolds(file(text.replace("aé€", "a€é")), text)).toBe(false);
	});

	it("is false for a missing file", () => {
		expect(fileHolds(join(tempDir(), "none.json"), text)).toBe(false);
	});
});
