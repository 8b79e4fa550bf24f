import { useEffect, useState } from "react";

/** The time now, refreshed every `ms`: the header's clock, and the live output while a step runs. */
export function useNow(ms: number): number {
	const [now, setNow] = useState(Date.now());
	useEffect(() => {
		const timer = setInterval(() => setNow(Date.now()), ms);
		return () => clearInterval(timer);
	}, [ms]);
	return now;
}
