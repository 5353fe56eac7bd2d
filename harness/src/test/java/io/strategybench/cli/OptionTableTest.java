package io.strategybench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Options declared once in a table: parsed, defaulted, range-checked, nested and shown in help as declared. */
class OptionTableTest {
  record Sample(int count, long waitNanos, long ttlNanos, List<Integer> weights, List<String> names, boolean verbose,
      boolean failOn5xx, Path file, Inner inner) {}

  record Inner(double share) {}

  record Mismatched(int count, int missing) {}

  @Test
  void defaultsFillWhatIsNotGiven() {
    Sample s = OptionTable.of(Sample.class).parse();
    assertThat(s).isEqualTo(new Sample(10, 1_000_000_000L, 0, List.of(4, 2, 1), List.of(), false, true, null,
        new Inner(0.5)));
  }

  @Test
  void eachKindIsReadAsItsTypeSays() {
    Sample s = OptionTable.of(Sample.class).parse("--count", "7", "--wait", "250ms", "--ttl", "30s", "--weights",
        "1,1", "--names", "a", "--names", "b", "--verbose", "--no-fail-on5xx", "--file", "x.txt", "--share", "0.25");
    assertThat(s).isEqualTo(new Sample(7, 250_000_000L, 30_000_000_000L, List.of(1, 1), List.of("a", "b"), true,
        false, Path.of("x.txt"), new Inner(0.25)));
  }

  @Test
  void aValueOutOfItsRangeNamesTheOptionTheRangeAndTheValue() {
    assertThatThrownBy(() -> OptionTable.of(Sample.class).parse("--count", "0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("--count must be 1 to 100, got 0");
    assertThatThrownBy(() -> OptionTable.of(Sample.class).parse("--share", "1.5"))
        .hasMessage("--share must be 0 to 1, got 1.5");
    assertThatThrownBy(() -> OptionTable.of(Sample.class).parse("--wait", "soon"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("'soon' is not a duration");
    assertThatThrownBy(() -> OptionTable.of(Sample.class).parse("--ttl", "-1s"))
        .hasMessageContaining("is negative");
  }

  @Test
  void aTableAndItsRecordMustNameTheSameComponents() {
    assertThatThrownBy(() -> OptionTable.of(Mismatched.class)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Mismatched.options.yaml").hasMessageContaining("[missing]")
        .hasMessageContaining("[other]");
  }

  @Test
  void helpShowsEachOptionAsDeclared() {
    OptionTable.Bound<Sample> bound = OptionTable.of(Sample.class).bind();
    CommandSpec command = CommandSpec.create().name("t");
    command.addMixin("sample", bound.spec());
    StringWriter help = new StringWriter();
    new CommandLine(command).usage(new PrintWriter(help));
    assertThat(help.toString()).contains("--count=N", "A count, 1 to 100.", "--wait=DURATION", "--[no-]fail-on5xx",
        "Default: true", "--share=SHARE");
    assertThat(OptionTable.of(Sample.class).optionNames()).containsExactly("--count", "--wait", "--ttl", "--weights",
        "--names", "--verbose", "--fail-on5xx", "--file", "--share");
  }

  @Test
  void everyBuiltInTableMatchesItsRecord() {
    // Bench builds every command line's tables: a table out of step with its record fails here, not in use
    CommandLine cli = Bench.newCommandLine();
    assertThat(cli.getSubcommands().get("serve").getCommandSpec().findOption("--origin-time")).isNotNull();
    assertThat(cli.getSubcommands().get("serve").getCommandSpec().findOption("--capacity")).isNotNull();
    assertThat(cli.getSubcommands().get("simulate").getSubcommands().get("lb").getCommandSpec()
        .findOption("--max-fails")).isNotNull();
  }
}
