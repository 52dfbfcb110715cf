import { Document, Line, Page, Rect, renderToBuffer, StyleSheet, Svg, Text, View } from "@react-pdf/renderer";

export interface PdfTable {
  title: string;
  columns: string[];
  numeric: string[];
  rows: string[][];
  note?: string;
}

export interface ReportPdfInput {
  title: string;
  range: string;
  generatedAt: string;
  currency: string;
  totals: [string, string][];
  highlights?: string[];
  chart: { title: string; points: { date: string; value: number }[] };
  tables: PdfTable[];
}

const styles = StyleSheet.create({
  page: { padding: 36, fontSize: 9, fontFamily: "Helvetica", color: "#1e293b" },
  title: { fontSize: 18, fontFamily: "Helvetica-Bold", marginBottom: 4 },
  meta: { color: "#64748b", marginBottom: 2 },
  section: { marginTop: 16 },
  heading: { fontSize: 11, fontFamily: "Helvetica-Bold", marginBottom: 6 },
  totals: { flexDirection: "row", flexWrap: "wrap" },
  total: { width: "25%", marginBottom: 6 },
  totalLabel: { fontSize: 7, color: "#64748b", textTransform: "uppercase" },
  totalValue: { fontSize: 11, fontFamily: "Helvetica-Bold" },
  bullet: { marginBottom: 2 },
  axis: { flexDirection: "row", justifyContent: "space-between", color: "#64748b", fontSize: 7 },
  head: {
    flexDirection: "row",
    borderBottomWidth: 1,
    borderBottomColor: "#cbd5e1",
    paddingBottom: 3,
    fontFamily: "Helvetica-Bold",
    fontSize: 7,
  },
  row: {
    flexDirection: "row",
    borderBottomWidth: 0.5,
    borderBottomColor: "#e2e8f0",
    paddingVertical: 2,
    fontSize: 7,
  },
  cell: { flex: 1, paddingRight: 4 },
  num: { flex: 1, paddingRight: 4, textAlign: "right" },
  note: { marginTop: 4, color: "#64748b", fontSize: 7 },
  footer: { position: "absolute", bottom: 20, left: 36, right: 36, fontSize: 7, color: "#94a3b8" },
});

const CHART_W = 523;
const CHART_H = 140;

/** Bars of volume per day, drawn with react-pdf's SVG primitives. */
function VolumeChart({ points }: { points: { date: string; value: number }[] }) {
  const max = Math.max(1, ...points.map((p) => p.value));
  const slot = points.length ? CHART_W / points.length : CHART_W;
  const bar = Math.max(1, slot * 0.7);
  return (
    <View>
      <Text style={styles.axis}>{`max ${max} per day`}</Text>
      <Svg width={CHART_W} height={CHART_H + 2} viewBox={`0 0 ${CHART_W} ${CHART_H + 2}`}>
        <Line x1={0} y1={CHART_H} x2={CHART_W} y2={CHART_H} stroke="#94a3b8" strokeWidth={1} />
        <Line x1={0} y1={0} x2={CHART_W} y2={0} stroke="#e2e8f0" strokeWidth={0.5} />
        {points.map((p, i) => {
          const h = (p.value / max) * (CHART_H - 4);
          return (
            <Rect
              key={p.date}
              x={i * slot + (slot - bar) / 2}
              y={CHART_H - h}
              width={bar}
              height={h}
              fill="#4f46e5"
            />
          );
        })}
      </Svg>
      <View style={styles.axis}>
        <Text>{points[0]?.date ?? ""}</Text>
        <Text>{points.length > 1 ? (points[points.length - 1]?.date ?? "") : ""}</Text>
      </View>
    </View>
  );
}

function Table({ t }: { t: PdfTable }) {
  return (
    <View style={styles.section}>
      <Text style={styles.heading}>{t.title}</Text>
      <View style={styles.head} fixed>
        {t.columns.map((c) => (
          <Text key={c} style={t.numeric.includes(c) ? styles.num : styles.cell}>
            {c.replace(/_/g, " ")}
          </Text>
        ))}
      </View>
      {t.rows.length === 0 ? <Text style={styles.note}>No rows in this range.</Text> : null}
      {t.rows.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their position
        <View key={i} style={styles.row} wrap={false}>
          {r.map((v, j) => (
            <Text
              key={t.columns[j]}
              style={t.numeric.includes(t.columns[j] ?? "") ? styles.num : styles.cell}
            >
              {v}
            </Text>
          ))}
        </View>
      ))}
      {t.note ? <Text style={styles.note}>{t.note}</Text> : null}
    </View>
  );
}

function ReportDocument(input: ReportPdfInput) {
  return (
    <Document title={input.title} author="Switchboard">
      <Page size="A4" style={styles.page}>
        <Text style={styles.title}>{input.title}</Text>
        <Text style={styles.meta}>{input.range}</Text>
        <Text style={styles.meta}>{`Generated ${input.generatedAt} · amounts in ${input.currency}`}</Text>
        <View style={styles.section}>
          <Text style={styles.heading}>Totals</Text>
          <View style={styles.totals}>
            {input.totals.map(([label, value]) => (
              <View key={label} style={styles.total}>
                <Text style={styles.totalLabel}>{label}</Text>
                <Text style={styles.totalValue}>{value}</Text>
              </View>
            ))}
          </View>
        </View>
        {input.highlights?.length ? (
          <View style={styles.section}>
            <Text style={styles.heading}>What changed</Text>
            {input.highlights.map((h) => (
              <Text key={h} style={styles.bullet}>{`• ${h}`}</Text>
            ))}
          </View>
        ) : null}
        <View style={styles.section}>
          <Text style={styles.heading}>{input.chart.title}</Text>
          <VolumeChart points={input.chart.points} />
        </View>
        {input.tables.map((t) => (
          <Table key={t.title} t={t} />
        ))}
        <Text
          style={styles.footer}
          fixed
          render={({ pageNumber, totalPages }) =>
            `Switchboard · ${input.title} · page ${pageNumber} of ${totalPages}`
          }
        />
      </Page>
    </Document>
  );
}

/** A report as a PDF: title, range, totals, a chart of volume per day and tables. */
export function renderReportPdf(input: ReportPdfInput): Promise<Buffer> {
  return renderToBuffer(<ReportDocument {...input} />);
}
