package io.raftactors.kv.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.raftactors.kv.node.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: headless Chromium (Debian's chromium and chromium-driver)
 * opens a local cluster's dashboard, sees three members and one leader, clicks Crash on the
 * leader and sees another leader appear. Screenshots go to {@code target/dashboard-screenshots/}.
 * CI installs the browser and sets {@code RAFT_REQUIRE_DASHBOARD_TOOLS=1}, so there a missing
 * browser fails the test; elsewhere it is skipped.
 */
class DashboardBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SHOTS = Path.of("target", "dashboard-screenshots");

  @TempDir
  Path dir;

  @Test
  void crashingTheLeaderShowsANewOne() throws Exception {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    if ("1".equals(System.getenv("RAFT_REQUIRE_DASHBOARD_TOOLS"))) {
      assertTrue(present, "chromium and chromium-driver must be installed (apt-get install -y chromium chromium-driver)");
    }
    Assumptions.assumeTrue(present, "chromium or chromium-driver not installed");
    try (LocalCluster cluster = LocalCluster.start(3, dir, 0, ConfigFactory.empty())) {
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
          "--window-size=1200,900", "--user-data-dir=" + dir.resolve("chromium-profile"));
      ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
          .usingAnyFreePort().build();
      WebDriver browser = new ChromeDriver(service, options);
      try {
        browser.get(cluster.consoles().get(0).url());
        // The page rebuilds its tables at every update: an element found may be gone a moment later.
        var wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100))
            .ignoring(StaleElementReferenceException.class);
        String leader = wait.until(b -> {
          List<WebElement> rows = b.findElements(By.cssSelector("#members tbody tr"));
          List<WebElement> leaders = b.findElements(By.cssSelector("#members tbody tr[data-role='LEADER']"));
          long up = rows.stream().filter(r -> "true".equals(r.getAttribute("data-up"))).count();
          return rows.size() == 3 && up == 3 && leaders.size() == 1 ? leaders.get(0).getAttribute("data-member") : null;
        });
        assertEquals(leader, browser.findElement(By.id("leader")).getText());
        screenshot(browser, "1-three-members.png");

        wait.until(b -> {
          b.findElement(By.cssSelector("button[data-action='crash'][data-member='" + leader + "']")).click();
          return true;
        });
        String next = wait.until(b -> {
          List<WebElement> leaders = b.findElements(By.cssSelector("#members tbody tr[data-role='LEADER']"));
          List<WebElement> down = b.findElements(By.cssSelector("#members tbody tr[data-member='" + leader
              + "'][data-up='false']"));
          return leaders.size() == 1 && !down.isEmpty() ? leaders.get(0).getAttribute("data-member") : null;
        });
        assertNotEquals(leader, next);
        wait.until(b -> next.equals(b.findElement(By.id("leader")).getText()));
        screenshot(browser, "2-new-leader.png");
      } finally {
        browser.quit();
      }
    }
  }

  private static void screenshot(WebDriver browser, String name) throws Exception {
    Files.createDirectories(SHOTS);
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    System.out.println("screenshot: " + SHOTS.resolve(name).toAbsolutePath());
  }
}
