/** The bench's output: Markdown tables of the rows rows.mjs builds, and what was missed. */

const verdict = (pass) => (pass === null || pass === undefined ? "" : pass ? "pass" : "**miss**");

/** One version's table: every measure, its baseline, ratio, goal and verdict. */
export function versionTable(rows) {
  return table(
    ["measure", "xacct", "baseline", "ratio", "goal", ""],
    rows.map((row) => [row.measure, row.xacct, row.baseline ?? "", row.ratio ?? "", row.goal ?? "", verdict(row.pass)]),
  );
}

/** The goals (rows with a `summary`) side by side, one column per version. */
export function summaryTable(versions) {
  const goals = [...new Set(versions.flatMap(({ rows }) => rows.filter((row) => row.summary).map((row) => row.summary)))];
  const cell = (rows, goal) => {
    const row = rows.find((r) => r.summary === goal);
    return row ? `${row.ratio} ${verdict(row.pass)}`.trim() : "";
  };
  return table(
    ["goal", ...versions.map(({ label }) => label)],
    goals.map((goal) => [goal, ...versions.map(({ rows }) => cell(rows, goal))]),
  );
}

/** AWS calls per command on each version, against the budgets. */
export function callsTable(versions) {
  const steps = Object.keys(versions[0].calls);
  return table(
    ["command", ...versions.map(({ label }) => `${label}: calls / writes`), "budget (calls / writes)", "", "calls"],
    steps.map((step) => {
      const counts = versions.map(({ calls }) => calls[step]);
      const { budget, summary } = counts[0];
      return [
        `\`${step}\``,
        ...counts.map((c) => `${c.calls} / ${c.writes}`),
        `${budget.calls} / ${budget.writes}`,
        verdict(counts.every(withinBudget)),
        summary,
      ];
    }),
  );
}

/**
 * The names of the rows that missed their goal. A row continuing the one above ("… its peak
 * RSS") is named with it.
 */
export function missedNames(rows) {
  const names = [];
  let lead = "";
  for (const row of rows) {
    const continues = row.measure.startsWith("… ");
    if (!continues) lead = row.measure;
    if (row.pass === false) names.push(continues ? `${lead}, ${row.measure.slice(2)}` : row.measure);
  }
  return names;
}

export function withinBudget(count) {
  return count.calls <= count.budget.calls && count.writes <= count.budget.writes;
}

function table(header, body) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...body.map(line)].join("\n");
}
