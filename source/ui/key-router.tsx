import { type Key, useInput } from "ink";
import { createContext, type ReactNode, useCallback, useContext, useLayoutEffect, useRef } from "react";

/** A screen's key handler: what it does with a key. */
export type KeyHandler = (input: string, key: Key) => void;

interface Entry {
	readonly handler: { current: KeyHandler };
	/** A text field: while one is on screen it takes every key, and nothing else does. */
	readonly capture: boolean;
}

type Register = (entry: Entry) => () => void;

const RouterContext = createContext<Register | undefined>(undefined);

/**
 * The one reader of the keyboard. Ink attaches a `useInput` handler in an effect that runs after
 * the frame is drawn, so a key pressed the instant a screen changes would reach the old screen or
 * none. Here screens register in a layout effect, during the same commit that draws them: the
 * screen on view is always the one that gets the key.
 */
export function KeyRouter({
	children,
	onKey,
}: {
	readonly children: ReactNode;
	/** Sees every key first (Ctrl+C); returns true when it took it. */
	readonly onKey?: (input: string, key: Key) => boolean;
}) {
	const entries = useRef<Entry[]>([]);
	const first = useRef(onKey);
	first.current = onKey;
	const register = useCallback<Register>((entry) => {
		entries.current.push(entry);
		return () => {
			entries.current = entries.current.filter((item) => item !== entry);
		};
	}, []);
	// One handler for the whole run: it never changes, so Ink never detaches it.
	const dispatch = useCallback((input: string, key: Key) => {
		if (first.current?.(input, key)) return;
		const field = entries.current.findLast((entry) => entry.capture);
		if (field) return field.handler.current(input, key);
		// A held key can arrive as one chunk ("jjjj"): read it as the presses it was. Other text
		// arriving at once is left whole, for no screen to take as a string of commands.
		const held = !key.ctrl && !key.meta && input.length > 1 && [...input].every((char) => char === input[0]);
		const keys = held ? [...input] : [input];
		for (const one of keys) for (const entry of [...entries.current]) entry.handler.current(one, key);
	}, []);
	const route = useCallback(
		(input: string, key: Key) => {
			// Text and control keys in one chunk (a name typed fast or pasted, then Enter; Ctrl+U, then
			// a new value) are the text, then each key: Ink hands the chunk over whole, where the keys
			// would be lost as text.
			if (input.length > 1 && CONTROL.test(input) && !input.includes("\u001b") && !key.ctrl && !key.meta) {
				for (const part of input.split(CONTROLS)) {
					if (part === "") continue;
					const [one, itsKey] = CONTROL.test(part) ? controlKey(part, key) : [part, key];
					dispatch(one, itsKey);
				}
				return;
			}
			dispatch(input, key);
		},
		[dispatch],
	);
	useInput(route);
	return <RouterContext.Provider value={register}>{children}</RouterContext.Provider>;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0001-\u001a\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it splits at
const CONTROLS = /([\u0001-\u001a\u007f])/;

/** One control character as Ink reads it alone: Enter, Tab, Backspace, Delete, or Ctrl and a letter. */
function controlKey(char: string, base: Key): [string, Key] {
	const plain = { ...base, shift: false };
	if (char === "\r") return ["", { ...plain, return: true }];
	if (char === "\t") return ["", { ...plain, tab: true }];
	if (char === "\b") return ["", { ...plain, backspace: true }];
	if (char === "\u007f") return ["", { ...plain, delete: true }];
	return [String.fromCharCode(char.charCodeAt(0) + 96), { ...plain, ctrl: true }];
}

/**
 * The keys of one screen (or one text field, with `capture`), live while `isActive` holds. Outside
 * a router (a lone form), it reads the keyboard itself.
 */
export function useKeys(
	handler: KeyHandler,
	{ isActive = true, capture = false }: { readonly isActive?: boolean; readonly capture?: boolean } = {},
): void {
	const register = useContext(RouterContext);
	const latest = useRef(handler);
	latest.current = handler;
	useLayoutEffect(() => {
		if (!register || !isActive) return;
		return register({ handler: latest, capture });
	}, [register, isActive, capture]);
	useInput((input, key) => latest.current(input, key), { isActive: !register && isActive });
}
