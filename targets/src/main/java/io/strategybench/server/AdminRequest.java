package io.strategybench.server;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/**
 * A request to the admin plane, decoded.
 *
 * @param method upper-case HTTP method
 * @param path path without the query, starting with {@code /_/}
 * @param query decoded query parameters
 * @param body request body as text
 */
public record AdminRequest(String method, String path, Map<String, List<String>> query, String body) {
  static AdminRequest of(String method, String uri, String body) {
    QueryStringDecoder decoder = new QueryStringDecoder(uri);
    return new AdminRequest(method, decoder.path(), decoder.parameters(), body);
  }

  /** The first value of a query parameter, or {@code fallback}. */
  public String param(String name, String fallback) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? fallback : values.get(0);
  }

  /** The path split on {@code /} after {@code /_/}: {@code /_/backends/b1/kill} gives [backends, b1, kill]. */
  public List<String> segments() {
    String rest = path.length() > 3 ? path.substring(3) : "";
    return rest.isEmpty() ? List.of() : List.of(rest.split("/"));
  }
}
