/** Reads the data a report page embeds (what its treemap and tables are drawn from). */
export interface ReportNode { name: string; kind: string; bytes: number; diskBytes: number; files: number; children?: ReportNode[] }
export interface ReportData { roots: Array<{ path: string; bytes: number; diskBytes: number; files: number; tree: ReportNode; largestFiles: Array<{ path: string; bytes: number }> }> }

export function embedded(page: string): ReportData {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page)
  return JSON.parse(m![1]!) as ReportData
}
