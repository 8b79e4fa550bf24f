import { createContext, useContext, useLayoutEffect } from "react";

/** Lets a text field tell the wizard it has the keyboard, so letters are typed, not taken as commands. */
export const TypingContext = createContext<(typing: boolean) => void>(() => {});

/**
 * Marks the keyboard as taken while the calling field is on screen. Set in a layout effect, as
 * the field is committed and removed, so a key that arrives right after is read by the right owner.
 */
export function useTyping(): void {
	const setTyping = useContext(TypingContext);
	useLayoutEffect(() => {
		setTyping(true);
		return () => setTyping(false);
	}, [setTyping]);
}
