"""Issue trackers (GitHub, Jira) that turn action items into tickets and report their status back.

``base`` holds the ``Tracker`` protocol, the ticket and result values and ``TrackerError``; ``github`` and
``jira`` are the two real trackers (a ``requests.Session`` passed in, a timeout on every call); ``sync`` walks
a post-mortem's action items one by one and returns the new post-mortem value with a result per item.
"""
