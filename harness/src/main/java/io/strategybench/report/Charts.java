package io.strategybench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * The report's charts, drawn with JFreeChart: titled, axes labelled with units, one palette. Each chart is
 * rendered as SVG (inlined into the report and saved to {@code charts/NAME.svg}) and as PNG
 * ({@code charts/NAME.png}).
 */
public final class Charts {
  static final Color[] PALETTE = {
      new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
      new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
      new Color(0x393b79), new Color(0xad494a), new Color(0x637939), new Color(0x843c39)};
  private static final String FONT = "DejaVu Sans";

  private Charts() {}

  /**
   * Loads fonts and the 2D pipeline now. Java's graphics register a shutdown hook when first used, which is
   * refused once the JVM is shutting down: a report written from an interrupted run's shutdown hook needs
   * them loaded before.
   */
  public static void prepare() {
    System.setProperty("java.awt.headless", "true");
    // ImageIO's disk cache registers a shutdown hook for every stream; charts are small, keep them in memory.
    javax.imageio.ImageIO.setUseCache(false);
    JFreeChart chart = ChartFactory.createXYLineChart("", "", "", new XYSeriesCollection());
    style(chart);
    svg(new Chart("prepare", chart, 10, 10));
    chart.createBufferedImage(10, 10);
  }

  /** A chart ready to be written. */
  public record Chart(String name, JFreeChart chart, int width, int height) {}

  /**
   * Latency against percentile, the HdrHistogram percentile plot: x from 0% to 99.9999% on a log scale of
   * 1/(1-p), so the tail gets the room it deserves.
   *
   * @param series name to histogram of nanoseconds
   */
  public static Chart percentiles(String name, String title, Map<String, Histogram> series, String unit,
      double nanosPerUnit, int width, int height) {
    return percentiles(name, title, series, unit, nanosPerUnit, width, height, false);
  }

  /**
   * As above; with {@code logLatency} the latency axis is logarithmic too, so series that differ by orders of
   * magnitude (a 3-second tail beside a 30-millisecond one) all stay readable.
   */
  public static Chart percentiles(String name, String title, Map<String, Histogram> series, String unit,
      double nanosPerUnit, int width, int height, boolean logLatency) {
    XYSeriesCollection dataset = new XYSeriesCollection();
    for (Map.Entry<String, Histogram> entry : series.entrySet()) {
      XYSeries s = new XYSeries(entry.getKey(), false, true);
      Histogram h = entry.getValue();
      if (h.getTotalCount() == 0) {
        continue;
      }
      for (HistogramIterationValue v : h.percentiles(5)) {
        double p = Math.min(v.getPercentileLevelIteratedTo(), 99.9999);
        s.add(100.0 / (100.0 - p), Math.max(v.getValueIteratedTo() / nanosPerUnit, 0.01));
      }
      dataset.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, "percentile", "latency (" + unit + ")", dataset,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    LogAxis x = new LogAxis("percentile");
    x.setBase(10);
    x.setRange(1, 1_000_000);
    x.setTickUnit(new NumberTickUnit(1));
    x.setNumberFormatOverride(new PercentileFormat());
    x.setMinorTickMarksVisible(false);
    plot.setDomainAxis(x);
    if (logLatency) {
      LogAxis y = new LogAxis("latency (" + unit + ", log scale)");
      y.setBase(10);
      y.setSmallestValue(0.01);
      y.setTickUnit(new NumberTickUnit(1)); // one tick a decade: 1, 10, 100, 1,000
      y.setNumberFormatOverride(new DecimalFormat("#,##0.##"));
      y.setMinorTickMarksVisible(true);
      plot.setRangeAxis(y);
    }
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    plot.setRenderer(renderer);
    style(chart);
    for (int i = 0; i < dataset.getSeriesCount(); i++) {
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    return new Chart(name, chart, width, height);
  }

  /**
   * Horizontal bars, one group per category (strategy), one bar per series.
   *
   * @param values series to category to value
   * @param stacked stack the series (shares adding up to 100%) instead of grouping them
   */
  public static Chart bars(String name, String title, String valueAxis, Map<String, Map<String, Double>> values,
      boolean stacked, int width, int height) {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    values.forEach((series, byCategory) -> byCategory.forEach((category, value) -> {
      if (value != null && !value.isNaN()) {
        dataset.addValue(value, series, category);
      }
    }));
    JFreeChart chart = stacked
        ? ChartFactory.createStackedBarChart(title, null, valueAxis, dataset, PlotOrientation.HORIZONTAL, true, false, false)
        : ChartFactory.createBarChart(title, null, valueAxis, dataset, PlotOrientation.HORIZONTAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.02);
    CategoryAxis categories = plot.getDomainAxis();
    categories.setCategoryMargin(0.15);
    categories.setMaximumCategoryLabelWidthRatio(0.45f);
    NumberAxis range = (NumberAxis) plot.getRangeAxis();
    range.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
    style(chart);
    for (int i = 0; i < dataset.getRowCount(); i++) {
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
    }
    return new Chart(name, chart, width, height);
  }

  /**
   * Lines of y against x, one per series, with dots at the points; optional log axes, a dashed series
   * ({@code dashed}, e.g. an optimum) and vertical markers with labels (e.g. when a node joined).
   *
   * @param series name to points, each {x, y}; points with a NaN y are skipped, so a gap shows
   * @param dashed names of the series drawn dashed, in grey
   * @param markers x positions to label with a vertical line
   */
  public static Chart lines(String name, String title, String xLabel, String yLabel,
      Map<String, List<double[]>> series, java.util.Set<String> dashed, boolean logX, boolean logY,
      Map<Double, String> markers, int width, int height) {
    XYSeriesCollection dataset = new XYSeriesCollection();
    for (Map.Entry<String, List<double[]>> entry : series.entrySet()) {
      XYSeries s = new XYSeries(entry.getKey(), false, true);
      for (double[] point : entry.getValue()) {
        if (!Double.isNaN(point[1]) && (!logY || point[1] > 0) && (!logX || point[0] > 0)) {
          s.add(point[0], point[1]);
        }
      }
      dataset.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, dataset, PlotOrientation.VERTICAL, true,
        false, false);
    XYPlot plot = chart.getXYPlot();
    if (logX) {
      LogAxis x = new LogAxis(xLabel);
      x.setBase(10);
      // one tick a decade when the data spans several, else ticks a fraction of a decade apart
      double low = Double.MAX_VALUE;
      double high = 0;
      for (List<double[]> points : series.values()) {
        for (double[] p : points) {
          if (p[0] > 0) {
            low = Math.min(low, p[0]);
            high = Math.max(high, p[0]);
          }
        }
      }
      double decades = high > 0 ? Math.log10(high / low) : 1;
      x.setNumberFormatOverride(decades > 2 ? new DecimalFormat("#,##0.###") : new SignificantFormat());
      x.setTickUnit(new NumberTickUnit(decades > 2 ? 1 : decades > 1 ? 0.5 : 0.25));
      plot.setDomainAxis(x);
    }
    if (logY) {
      LogAxis y = new LogAxis(yLabel);
      y.setBase(10);
      y.setNumberFormatOverride(new SignificantFormat());
      y.setMinorTickMarksVisible(true);
      // one tick a decade when the data spans several, else ticks a fraction of a decade apart
      double low = Double.MAX_VALUE;
      double high = 0;
      for (List<double[]> points : series.values()) {
        for (double[] p : points) {
          if (p[1] > 0 && !Double.isNaN(p[1])) {
            low = Math.min(low, p[1]);
            high = Math.max(high, p[1]);
          }
        }
      }
      double decades = high > 0 ? Math.log10(high / low) : 1;
      y.setTickUnit(new NumberTickUnit(decades > 2 ? 1 : decades > 1 ? 0.5 : 0.25));
      plot.setRangeAxis(y);
    } else if (plot.getRangeAxis() instanceof NumberAxis y) {
      y.setAutoRangeIncludesZero(false);
      y.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
    }
    for (Map.Entry<Double, String> marker : markers.entrySet()) {
      org.jfree.chart.plot.ValueMarker m = new org.jfree.chart.plot.ValueMarker(marker.getKey());
      m.setPaint(new Color(0x555555));
      m.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
      m.setLabel(marker.getValue());
      m.setLabelFont(new Font(FONT, Font.PLAIN, 10));
      m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
      m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_LEFT);
      plot.addDomainMarker(m);
    }
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    plot.setRenderer(renderer);
    style(chart);
    int colour = 0;
    for (int i = 0; i < dataset.getSeriesCount(); i++) {
      String key = String.valueOf(dataset.getSeriesKey(i));
      if (dashed.contains(key)) {
        renderer.setSeriesPaint(i, new Color(0x444444));
        renderer.setSeriesStroke(i, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {6f, 4f}, 0f));
        renderer.setSeriesShapesVisible(i, false);
      } else {
        renderer.setSeriesPaint(i, PALETTE[colour++ % PALETTE.length]);
        renderer.setSeriesStroke(i, new BasicStroke(2f));
        renderer.setSeriesShape(i, new java.awt.geom.Ellipse2D.Double(-2.5, -2.5, 5, 5));
      }
    }
    return new Chart(name, chart, width, height);
  }

  private static void style(JFreeChart chart) {
    StandardChartTheme theme = (StandardChartTheme) StandardChartTheme.createJFreeTheme();
    theme.setExtraLargeFont(new Font(FONT, Font.BOLD, 15));
    theme.setLargeFont(new Font(FONT, Font.BOLD, 12));
    theme.setRegularFont(new Font(FONT, Font.PLAIN, 11));
    theme.setSmallFont(new Font(FONT, Font.PLAIN, 10));
    theme.setChartBackgroundPaint(Color.WHITE);
    theme.setPlotBackgroundPaint(Color.WHITE);
    theme.setDomainGridlinePaint(new Color(0xdddddd));
    theme.setRangeGridlinePaint(new Color(0xdddddd));
    theme.setShadowVisible(false);
    theme.setBarPainter(new StandardBarPainter());
    theme.apply(chart);
    TextTitle title = chart.getTitle();
    if (title != null) {
      title.setHorizontalAlignment(org.jfree.chart.ui.HorizontalAlignment.LEFT);
    }
    LegendTitle legend = chart.getLegend();
    if (legend != null) {
      legend.setPosition(RectangleEdge.BOTTOM);
      legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
    }
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    if (chart.getPlot() instanceof XYPlot xy) {
      xy.setDomainGridlinesVisible(true);
      xy.setOutlineVisible(false);
    } else if (chart.getPlot() instanceof CategoryPlot cp) {
      cp.setOutlineVisible(false);
      cp.setRangeGridlinesVisible(true);
    }
  }

  /** Draws the chart as an SVG element whose ids are prefixed with its name, to inline several in one page. */
  public static String svg(Chart chart) {
    SVGGraphics2D g2 = new SVGGraphics2D(chart.width(), chart.height());
    g2.setDefsKeyPrefix(chart.name() + "-");
    chart.chart().draw(g2, new Rectangle2D.Double(0, 0, chart.width(), chart.height()));
    return g2.getSVGElement(chart.name());
  }

  /** Writes {@code NAME.svg} and {@code NAME.png} into {@code folder}; returns the SVG element. */
  public static String write(Chart chart, Path folder) throws IOException {
    javax.imageio.ImageIO.setUseCache(false);
    Files.createDirectories(folder);
    String svg = svg(chart);
    Files.writeString(folder.resolve(chart.name() + ".svg"),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg + "\n", StandardCharsets.UTF_8);
    ChartUtils.saveChartAsPNG(folder.resolve(chart.name() + ".png").toFile(), chart.chart(), chart.width(),
        chart.height());
    return svg;
  }

  /** Tick labels with two significant digits, plain: 0.0032, 0.01, 3.2, 10, 1,000. */
  static final class SignificantFormat extends LabelFormat {
    @Override
    public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
      if (number == 0 || Double.isNaN(number) || Double.isInfinite(number)) {
        return toAppendTo.append(number == 0 ? "0" : String.valueOf(number));
      }
      java.math.BigDecimal rounded = new java.math.BigDecimal(number).round(new java.math.MathContext(2))
          .stripTrailingZeros();
      return toAppendTo.append(rounded.abs().compareTo(java.math.BigDecimal.valueOf(1000)) >= 0
          ? new DecimalFormat("#,##0").format(rounded) : rounded.toPlainString());
    }
  }

  /** An axis label format: whole numbers are formatted as doubles; labels are never parsed. */
  abstract static class LabelFormat extends NumberFormat {
    @Override
    public StringBuffer format(long number, StringBuffer toAppendTo, FieldPosition pos) {
      return format((double) number, toAppendTo, pos);
    }

    @Override
    public Number parse(String source, ParsePosition parsePosition) {
      return null;
    }
  }

  /** Axis labels for x = 1/(1-p): 1 is 0%, 10 is 90%, 100 is 99%, 1000 is 99.9%. */
  static final class PercentileFormat extends LabelFormat {
    @Override
    public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
      double p = 100.0 - 100.0 / number;
      String text = p <= 0 ? "0%" : new DecimalFormat("0.#####").format(p) + "%";
      return toAppendTo.append(text);
    }

  }

  static List<Color> palette() {
    return List.of(PALETTE);
  }
}
