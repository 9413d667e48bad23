"""The creator portal's side of campaigns: the collaborations brands invited this creator to, the one scope
every portal page reads them through, and the creator accepting or declining an invitation."""
