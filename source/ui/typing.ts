import { createContext, useContext, useEffect } from "react";

/** Lets a text field tell the wizard it has the keyboard, so letters are typed, not taken as commands. */
export const TypingContext = createContext<(typing: boolean) => void>(() => {});

export function useTyping(): void {
	const setTyping = useContext(TypingContext);
	useEffect(() => {
		setTyping(true);
		return () => setTyping(false);
	}, [setTyping]);
}
