import { Paper, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { useId } from "react";
import type { DayCount } from "../../bindings/DayCount";
import { formatCount, formatDay } from "../../format";

const W = 640;
const H = 180;
const TOP = 16;
const BOTTOM = 24;
const LEFT = 28;
const RIGHT = 4;

const plural = (n: number) => `${formatCount(n)} ${n === 1 ? "intake" : "intakes"}`;

/** Intakes per day as bars (oldest left), each with its own title, and a table for screen readers. */
export function PerDayChart({ days }: { days: DayCount[] }) {
  const id = useId();
  const total = days.reduce((sum, d) => sum + d.count, 0);
  const max = Math.max(1, ...days.map((d) => d.count));
  const busiest = days.reduce<DayCount | null>((best, d) => (best === null || d.count > best.count ? d : best), null);
  const plotH = H - TOP - BOTTOM;
  const slot = (W - LEFT - RIGHT) / Math.max(days.length, 1);
  const barW = Math.max(2, slot * 0.7);
  const y = (count: number) => TOP + plotH - (count / max) * plotH;
  const labelled = new Set([0, Math.floor((days.length - 1) / 2), days.length - 1]);

  const summary =
    total === 0
      ? "No intakes in the last 30 days."
      : `${plural(total)} in the last ${days.length} days. Busiest day: ${formatDay(busiest?.day ?? "")} with ${plural(busiest?.count ?? 0)}.`;

  return (
    <Paper withBorder p="md" data-testid="dashboard-chart">
      <Stack gap="xs">
        <Title order={4} id={`${id}-title`}>
          Intakes per day, last 30 days
        </Title>
        <Text size="sm" c="dimmed" id={`${id}-desc`} data-testid="dashboard-chart-summary">
          {summary}
        </Text>
        <svg
          viewBox={`0 0 ${W} ${H}`}
          width="100%"
          role="img"
          aria-labelledby={`${id}-title`}
          aria-describedby={`${id}-desc`}
          style={{ display: "block", maxHeight: 240 }}
        >
          <line x1={LEFT} x2={W - RIGHT} y1={TOP + plotH} y2={TOP + plotH} stroke="var(--mantine-color-gray-4)" />
          <line x1={LEFT} x2={W - RIGHT} y1={TOP} y2={TOP} stroke="var(--mantine-color-gray-2)" strokeDasharray="3 3" />
          <text x={LEFT - 6} y={TOP + 4} textAnchor="end" fontSize="11" fill="var(--mantine-color-dimmed)">
            {max}
          </text>
          <text x={LEFT - 6} y={TOP + plotH + 4} textAnchor="end" fontSize="11" fill="var(--mantine-color-dimmed)">
            0
          </text>
          {days.map((d, i) => {
            const x = LEFT + i * slot + (slot - barW) / 2;
            const top = d.count === 0 ? TOP + plotH - 1 : y(d.count);
            return (
              <g key={d.day}>
                <rect
                  x={x}
                  y={top}
                  width={barW}
                  height={TOP + plotH - top}
                  rx={2}
                  fill={d.count === 0 ? "var(--mantine-color-gray-3)" : "var(--mantine-color-teal-6)"}
                  data-testid="chart-bar"
                  data-day={d.day}
                  data-count={d.count}
                >
                  <title>{`${formatDay(d.day)}: ${plural(d.count)}`}</title>
                </rect>
                {labelled.has(i) && (
                  <text
                    x={x + barW / 2}
                    y={H - 6}
                    textAnchor={i === 0 ? "start" : i === days.length - 1 ? "end" : "middle"}
                    fontSize="11"
                    fill="var(--mantine-color-dimmed)"
                  >
                    {i === days.length - 1 ? "Today" : formatDay(d.day, false)}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
        <VisuallyHidden>
          <Table>
            <caption>Intakes per day</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Day</Table.Th>
                <Table.Th>Intakes</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {days.map((d) => (
                <Table.Tr key={d.day}>
                  <Table.Td>{formatDay(d.day)}</Table.Td>
                  <Table.Td>{d.count}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </VisuallyHidden>
      </Stack>
    </Paper>
  );
}
