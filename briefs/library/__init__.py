"""The content library: every approved deliverable with the usage rights its signed contract grants, and the alerts
before those rights or Spark Ads codes expire."""
