"""JavaScript probes of a dashboard page in the browser, for the browser tests and bench/dashboard.py."""

# The largest equity series of the page's Bokeh documents: the live chart's buffer (points drawn so far).
EQUITY_POINTS_JS = """() => {
  let most = 0;
  for (const doc of window.Bokeh.documents) {
    for (const model of doc.all_models) {
      const data = model.data;
      if (data && data.equity !== undefined) { most = Math.max(most, data.equity.length); }
    }
  }
  return most;
}"""
