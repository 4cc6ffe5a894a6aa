package api

// statsRoutes declares the incident statistics (D-2).
func (a *API) statsRoutes() {}
