"""Fleet stock model: survival, ownership, stock turnover and calibration."""
