package io.raftactors.bench.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Latency by percentile, one line per target (HdrHistogram's percentile distribution): x is
 * log10(1/(1-p)), the "number of nines", so the x axis is logarithmic in 1/(1-p) and labelled as
 * the percentile (0%, 90%, 99%, 99.9%, 99.99%); y is the latency in ms on a log axis. Written as
 * a PNG with XChart.
 */
final class LatencyPlot {
  private static final double MAX_NINES = 4; // 99.99 %

  private LatencyPlot() {}

  static void write(Path png, String title, Map<String, Histogram> byTarget) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
        .xAxisTitle("percentile").yAxisTitle("latency (ms)").build();
    Styler st = chart.getStyler();
    chart.getStyler().setYAxisLogarithmic(true).setXAxisMin(0.0).setXAxisMax(MAX_NINES)
        .setLegendPosition(Styler.LegendPosition.InsideNW).setMarkerSize(0);
    st.setChartBackgroundColor(java.awt.Color.WHITE);
    chart.setCustomXAxisTickLabelsFormatter(LatencyPlot::percentileLabel);
    for (Map.Entry<String, Histogram> e : byTarget.entrySet()) {
      double[][] xy = points(e.getValue());
      if (xy[0].length == 0) continue;
      XYSeries s = chart.addSeries(e.getKey(), xy[0], xy[1]);
      s.setMarker(SeriesMarkers.NONE);
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** {x = log10(1/(1-p))}, {latency ms} up to the 99.99th percentile. */
  static double[][] points(Histogram h) {
    List<double[]> pts = new ArrayList<>();
    if (h.getTotalCount() > 0) {
      for (HistogramIterationValue v : h.percentiles(5)) {
        double p = v.getPercentileLevelIteratedTo() / 100.0;
        double x = p >= 1 ? MAX_NINES : Math.min(MAX_NINES, Math.log10(1 / (1 - p)));
        pts.add(new double[] {x, Math.max(0.001, h.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0)});
        if (x >= MAX_NINES) break;
      }
    }
    double[][] out = new double[2][pts.size()];
    for (int i = 0; i < pts.size(); i++) {
      out[0][i] = pts.get(i)[0];
      out[1][i] = pts.get(i)[1];
    }
    return out;
  }

  /** Whole numbers of nines as percentiles (0 -> 0%, 1 -> 90%, 2 -> 99%, 3 -> 99.9% ...), other ticks blank. */
  static String percentileLabel(double nines) {
    long n = Math.round(nines);
    if (Math.abs(nines - n) > 1e-6 || n < 0) return "";
    if (n == 0) return "0%";
    return String.format(Locale.ROOT, "%." + Math.max(0, n - 2) + "f%%", 100 * (1 - Math.pow(10, -n)));
  }
}
