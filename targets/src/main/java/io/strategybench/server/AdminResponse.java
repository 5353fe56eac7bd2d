package io.strategybench.server;

/**
 * An admin plane answer: a status and a JSON-ready body (maps, lists, strings, numbers).
 *
 * @param status HTTP status code
 * @param body serialised as JSON
 */
public record AdminResponse(int status, Object body) {
  public static AdminResponse ok(Object body) {
    return new AdminResponse(200, body);
  }

  /** An error whose body is {@code {"error": message}}. */
  public static AdminResponse error(int status, String message) {
    return new AdminResponse(status, java.util.Map.of("error", message));
  }
}
