// Ink renders only the last frame when CI is set, and colours would make assertions brittle.
delete process.env.CI;
process.env.FORCE_COLOR = "0";
process.env.NO_COLOR = "1";
