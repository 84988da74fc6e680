"""Page chrome for routes: what every inspection page shows around its content (tabs, sync state, banners)."""
