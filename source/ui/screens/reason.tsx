import { Box } from "ink";
import { useSession } from "../use-session.js";
import { TextField } from "../views/forms.js";
import { StepTitle } from "../views/step-title.js";
import { ScreenFrame, type ScreenProps } from "./frame.js";

/** A written reason before skipping or overriding a step; Esc goes back to the step. */
export function ReasonScreen({
	wizard,
	typing,
	stepId,
	purpose,
}: ScreenProps & { readonly stepId: string; readonly purpose: "skip" | "override" }) {
	const session = useSession(wizard.engine);
	const placed = wizard.engine.placed(stepId);
	return (
		<ScreenFrame keys={[]} typing={typing} message={wizard.state.message}>
			<StepTitle placed={placed} session={session} />
			<Box marginTop={1}>
				<TextField
					label={purpose === "skip" ? "Why skip this step?" : "Why go on despite the failure?"}
					required
					onSubmit={(reason) =>
						purpose === "skip" ? wizard.skip(stepId, reason) : wizard.override(stepId, reason)
					}
					onCancel={() => wizard.show({ name: "step", stepId })}
				/>
			</Box>
		</ScreenFrame>
	);
}
