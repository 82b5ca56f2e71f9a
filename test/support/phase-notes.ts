/**
 * A test's phase log: with `<envVar>=1` each note is printed with the time since the file loaded,
 * to see where a slow run spends it; silent otherwise.
 */
export const phaseNotes = (label: string, envVar: string) => {
  const t0 = Date.now();
  return (message: string, details: unknown = '') => {
    if (process.env[envVar]) {
      process.stderr.write(
        `[${label} +${Date.now() - t0} ms] ${message} ${JSON.stringify(details)}\n`,
      );
    }
  };
};
