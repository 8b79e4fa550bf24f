/** The file formats a flag step edits, by extension. */
export const FLAG_FORMATS: Record<string, string> = {
	".yaml": "yaml",
	".yml": "yaml",
	".json": "json",
	".env": "env",
};

/** The format of a flag step's file: as written, or from the file's extension. */
export function flagFormat(file: string, format?: string): "yaml" | "json" | "env" {
	if (format) return format as "yaml" | "json" | "env";
	const extension = /\.[^./]*$/.exec(file)?.[0]?.toLowerCase() ?? "";
	return (FLAG_FORMATS[extension] ?? "env") as "yaml" | "json" | "env";
}
