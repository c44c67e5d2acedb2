package io.raftactors.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static Row row(String target, int c, double ops, long errors, long p50, long p99, long p999, double cpu) {
    return new Row(target, "put", c, 10, (long) (ops * 10), ops, errors, p50, p50, p99, p999, p999 * 2, p50,
        cpu, "n1(L):" + cpu, 0.5, 1.5, 0.1, errors > 0 ? "boom, \"quoted\"" : null, null,
        java.util.Map.of());
  }

  @Test
  void oneRowPerClientCountWithRatiosToEtcd() {
    String table = Report.table(List.of(
        row("raft-kv", 1, 500, 0, 1_500, 3_000, 12_345, 0.8),
        row("etcd", 1, 1000, 0, 900, 2_000, 5_000, 0.6),
        row("raft-kv", 64, 4000, 3, 15_000, 40_000, 123_456, 1.2)));
    assertEquals("""
        | C | raft-kv ops/s | p50 | p99 | p99.9 | CPU | etcd ops/s | p50 | p99 | p99.9 | CPU | raft-kv/etcd |
        |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
        | 1 | 500 | 1.50 | 3.00 | 12.3 | 0.80 | 1000 | 0.900 | 2.00 | 5.00 | 0.60 | 0.50 |
        | 64 | 4000 (3 err) | 15.0 | 40.0 | 123 | 1.20 | - | - | - | - | - | - |
        """, table);
  }

  @Test
  void aWindowSharedWithOtherProcessesIsMarked() {
    Row busy = new Row("etcd", "put", 1, 10, 10, 1, 0, 1, 1, 1, 1, 1, 1, 0.5, "m0:0.5", 0.2, 1.9, 1.2, null, null,
        java.util.Map.of());
    assertTrue(Report.table(List.of(busy)).contains("| 1 | 1 \\* |"), Report.table(List.of(busy)));
  }

  @Test
  void noRatioColumnWithoutEtcd() {
    String table = Report.table(List.of(row("raft-kv", 1, 500, 0, 1, 2, 3, 0.1), row("redis", 1, 700, 0, 1, 2, 3, 0.1)));
    assertTrue(!table.contains("/etcd"), table);
  }

  @Test
  void batchStatsAreTheDifferenceOfTwoReadingsOfCumulativeBuckets() {
    BatchStats window = BatchStats.parse("count=10,sum=240,le_1=0,le_2=0,le_4=0,le_8=0,le_16=0,le_32=10,le_inf=10");
    assertEquals(10, window.count());
    assertEquals(24.0, window.mean());
    assertEquals("≤32", window.percentile(50));
    assertEquals("17-32: 100%", window.shares());
    BatchStats a = BatchStats.parse("count=4,sum=40,le_1=1,le_2=1,le_4=2,le_inf=4");
    BatchStats b = BatchStats.parse("count=1,sum=1,le_1=1,le_2=1,le_4=1,le_inf=1");
    BatchStats d = a.minus(b);
    assertEquals(3, d.count());
    assertEquals(39, d.sum());
    assertEquals("3-4: 33%, >4: 67%", d.shares());
    assertEquals(">4", d.percentile(90));
  }

  @Test
  void batchingSectionListsEachNodesHistogram() {
    Row r = new Row("raft-kv", "put", 256, 10, 10, 1, 0, 1, 1, 1, 1, 1, 1, 0.5, "", 0.2, 1.9, 0.1, null, null,
        java.util.Map.of("n1(L) entries per fsync", BatchStats.parse("count=2,sum=50,le_1=0,le_16=0,le_32=2,le_inf=2")));
    String md = Report.batching(List.of(r));
    assertTrue(md.contains("| raft-kv | put | 256 | n1(L) entries per fsync | 2 | 25.0 | ≤32 | ≤32 | 17-32: 100% |"), md);
    assertEquals("", Report.batching(List.of(row("etcd", 1, 1, 0, 1, 1, 1, 0.1))));
  }

  @Test
  void millisecondsKeepAboutThreeSignificantDigits() {
    assertEquals("0.042", Report.ms(42));
    assertEquals("1.23", Report.ms(1_234));
    assertEquals("12.3", Report.ms(12_345));
    assertEquals("1235", Report.ms(1_234_567));
  }

  @Test
  void csvQuotesFieldsWithCommasAndQuotes() {
    String csv = Report.csv(List.of(row("raft-kv", 16, 1234.5, 2, 100, 200, 300, 0.25)));
    String[] lines = csv.split("\n");
    assertEquals(Report.CSV_HEADER, lines[0]);
    assertEquals("raft-kv,put,16,10.000,12345,1234.5,2,100,100,200,300,600,100.0,0.250,n1(L):0.25,0.500,1.500,0.100,"
        + "\"boom, \"\"quoted\"\"\"", lines[1]);
    assertEquals(Report.CSV_HEADER.split(",").length, 19);
  }

  @Test
  void percentileAxisLabels() {
    assertEquals("0%", LatencyPlot.percentileLabel(0));
    assertEquals("90%", LatencyPlot.percentileLabel(1));
    assertEquals("99%", LatencyPlot.percentileLabel(2));
    assertEquals("99.9%", LatencyPlot.percentileLabel(3));
    assertEquals("99.99%", LatencyPlot.percentileLabel(4));
    assertEquals("", LatencyPlot.percentileLabel(2.5));
  }
}
